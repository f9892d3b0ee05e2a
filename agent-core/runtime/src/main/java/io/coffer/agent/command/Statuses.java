package io.coffer.agent.command;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import io.coffer.spi.DatastoreException;

/**
 * Turns plugin errors into {@code google.rpc.Status} with ErrorInfo (and BadRequest for bad input).
 */
public final class Statuses {
  /** ErrorInfo.domain of every error Coffer raises. */
  public static final String DOMAIN = "coffer.io";

  private Statuses() {}

  public static final Status OK = Status.newBuilder().setCode(Code.OK_VALUE).build();

  public static Status of(DatastoreException e) {
    Code code =
        switch (e.code()) {
          case INVALID_ARGUMENT -> Code.INVALID_ARGUMENT;
          case NOT_FOUND -> Code.NOT_FOUND;
          case ALREADY_EXISTS -> Code.ALREADY_EXISTS;
          case FAILED_PRECONDITION -> Code.FAILED_PRECONDITION;
          case UNIMPLEMENTED -> Code.UNIMPLEMENTED;
          case UNAVAILABLE -> Code.UNAVAILABLE;
          case INTERNAL -> Code.INTERNAL;
          case DATA_LOSS -> Code.DATA_LOSS;
          case CANCELLED -> Code.CANCELLED;
        };
    return of(code, e.field(), e.getMessage());
  }

  public static Status of(Code code, String field, String message) {
    ErrorInfo.Builder info = ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(code.name());
    if (!field.isEmpty()) {
      info.putMetadata("field", field);
    }
    Status.Builder status =
        Status.newBuilder()
            .setCode(code.getNumber())
            .setMessage(message == null ? code.name() : message)
            .addDetails(Any.pack(info.build()));
    if (code == Code.INVALID_ARGUMENT && !field.isEmpty()) {
      status.addDetails(
          Any.pack(
              BadRequest.newBuilder()
                  .addFieldViolations(
                      BadRequest.FieldViolation.newBuilder()
                          .setField(field)
                          .setDescription(message))
                  .build()));
    }
    return status.build();
  }
}
