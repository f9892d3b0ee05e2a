package io.coffer.plugin.mysql.config;

import java.util.Map;

/**
 * The parameters a user may tune, each with the unit of a bare number (sizes in bytes accept K, M
 * and G, as in option files). Left out, because the agent owns them: everything on the mariadbd
 * command line (datadir, port, bind address, socket, pid and log files, name resolution, {@code
 * innodb_buffer_pool_size} and {@code max_connections} from the agent configuration, the binary log
 * and its format, {@code server_id}, {@code sync_binlog}, semi-synchronous replication, {@code
 * init_file}), {@code read_only} (the replication role), and anything that names files, plugins or
 * users ({@code plugin_load_add}, {@code secure_file_priv}, {@code init_connect}). Command-line
 * options override the option file, so offering them would report changes that never apply.
 */
final class SettableParameters {
  private SettableParameters() {}

  static final Map<String, String> UNITS =
      Map.ofEntries(
          Map.entry("long_query_time", "s"),
          Map.entry("slow_query_log", ""),
          Map.entry("log_queries_not_using_indexes", ""),
          Map.entry("wait_timeout", "s"),
          Map.entry("interactive_timeout", "s"),
          Map.entry("lock_wait_timeout", "s"),
          Map.entry("net_read_timeout", "s"),
          Map.entry("net_write_timeout", "s"),
          Map.entry("max_connect_errors", ""),
          Map.entry("max_allowed_packet", "B"),
          Map.entry("tmp_table_size", "B"),
          Map.entry("max_heap_table_size", "B"),
          Map.entry("sort_buffer_size", "B"),
          Map.entry("join_buffer_size", "B"),
          Map.entry("read_buffer_size", "B"),
          Map.entry("read_rnd_buffer_size", "B"),
          Map.entry("group_concat_max_len", "B"),
          Map.entry("table_open_cache", ""),
          Map.entry("table_definition_cache", ""),
          Map.entry("thread_cache_size", ""),
          Map.entry("innodb_flush_log_at_trx_commit", ""),
          Map.entry("innodb_io_capacity", ""),
          Map.entry("innodb_io_capacity_max", ""),
          Map.entry("innodb_lock_wait_timeout", "s"),
          Map.entry("innodb_print_all_deadlocks", ""),
          Map.entry("innodb_log_buffer_size", "B"),
          Map.entry("character_set_server", ""),
          Map.entry("collation_server", ""),
          Map.entry("sql_mode", ""),
          Map.entry("event_scheduler", ""),
          Map.entry("performance_schema", ""),
          Map.entry("thread_handling", ""),
          Map.entry("query_cache_type", ""),
          Map.entry("query_cache_size", "B"));
}
