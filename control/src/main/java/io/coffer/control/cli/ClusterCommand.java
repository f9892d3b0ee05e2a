package io.coffer.control.cli;

import picocli.CommandLine.Command;

/** {@code coffer cluster}: sharded clusters (Redis Cluster). */
@Command(
    name = "cluster",
    description = "Create, grow, shrink and show clusters (Redis Cluster, MariaDB Galera).",
    subcommands = {
      ClusterCreate.class,
      ClusterGrow.class,
      ClusterShrink.class,
      ClusterShow.class,
      ClusterRecover.class
    })
final class ClusterCommand extends CliCommand {}
