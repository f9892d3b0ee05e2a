package io.coffer.control.cli;

import io.coffer.proto.v1.CommandReply;

/** Output of a mutating command: what was done, and its command id. */
final class Replies {
  private Replies() {}

  static void print(Output output, CommandReply reply, String sentCommandId, String done) {
    if (output.json()) {
      output.json(reply);
      return;
    }
    String commandId = reply.getCommandId().isEmpty() ? sentCommandId : reply.getCommandId();
    output.line(done + " (command-id " + commandId + ")");
  }
}
