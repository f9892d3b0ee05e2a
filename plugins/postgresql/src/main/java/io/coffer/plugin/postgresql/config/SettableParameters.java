package io.coffer.plugin.postgresql.config;

import java.util.Set;

/**
 * The parameters a user may tune. Left out, because the agent owns them: everything the server
 * command line sets (listen_addresses, port, sockets, hba/ident files, password_encryption,
 * shared_buffers and max_connections from the agent configuration, wal_level, WAL retention);
 * replication and recovery (primary_conninfo, synchronous_standby_names, synchronous_commit,
 * hot_standby, max_wal_senders, restore/archive commands); anything that loads code or names files
 * (shared_preload_libraries, dynamic_library_path, log_directory, ssl files). Command-line values
 * override {@code postgresql.auto.conf}, so offering them would report changes that never apply.
 */
final class SettableParameters {
  private SettableParameters() {}

  static final Set<String> NAMES =
      Set.of(
          // memory
          "work_mem",
          "maintenance_work_mem",
          "autovacuum_work_mem",
          "temp_buffers",
          "effective_cache_size",
          "hash_mem_multiplier",
          "logical_decoding_work_mem",
          "wal_buffers",
          "huge_pages",
          // planner
          "random_page_cost",
          "seq_page_cost",
          "cpu_tuple_cost",
          "cpu_index_tuple_cost",
          "cpu_operator_cost",
          "effective_io_concurrency",
          "default_statistics_target",
          "jit",
          "from_collapse_limit",
          "join_collapse_limit",
          "enable_partitionwise_join",
          "enable_partitionwise_aggregate",
          // parallelism
          "max_worker_processes",
          "max_parallel_workers",
          "max_parallel_workers_per_gather",
          "max_parallel_maintenance_workers",
          // WAL and checkpoints
          "checkpoint_timeout",
          "checkpoint_completion_target",
          "max_wal_size",
          "min_wal_size",
          "wal_compression",
          "wal_writer_delay",
          "commit_delay",
          "commit_siblings",
          // sessions and locks
          "statement_timeout",
          "lock_timeout",
          "idle_in_transaction_session_timeout",
          "deadlock_timeout",
          "max_locks_per_transaction",
          "max_pred_locks_per_transaction",
          "max_prepared_transactions",
          "default_transaction_isolation",
          "temp_file_limit",
          // logging and statistics
          "log_min_duration_statement",
          "log_statement",
          "log_lock_waits",
          "log_temp_files",
          "log_checkpoints",
          "log_connections",
          "log_disconnections",
          "log_autovacuum_min_duration",
          "log_min_messages",
          "log_line_prefix",
          "track_io_timing",
          "track_activity_query_size",
          // autovacuum
          "autovacuum",
          "autovacuum_naptime",
          "autovacuum_max_workers",
          "autovacuum_vacuum_scale_factor",
          "autovacuum_analyze_scale_factor",
          "autovacuum_vacuum_cost_limit",
          "autovacuum_vacuum_cost_delay",
          "vacuum_cost_limit",
          "vacuum_cost_delay");
}
