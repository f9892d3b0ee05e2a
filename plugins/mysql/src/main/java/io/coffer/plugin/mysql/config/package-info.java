/**
 * Server configuration: rules from the running server's {@code information_schema.SYSTEM_VARIABLES}
 * (<a
 * href="https://mariadb.com/kb/en/information-schema-system_variables-table/">SYSTEM_VARIABLES</a>:
 * type, bounds, allowed values, {@code READ_ONLY} for those that need a restart), applied with
 * {@code SET GLOBAL} and kept in the option file mariadbd reads at start ({@link ParameterFile}).
 */
package io.coffer.plugin.mysql.config;
