package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer cluster}: sharded clusters (Redis Cluster). */
@Command(name = "cluster", description = "Create, grow, shrink and show sharded clusters (Redis Cluster).",
    subcommands = {ClusterCreate.class, ClusterGrow.class, ClusterShrink.class, ClusterShow.class})
final class ClusterCommand extends CliCommand {}
