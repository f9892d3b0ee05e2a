package io.coffer.plugin.cassandra.roles;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RolesTest {
  @Test
  void onlyAKeyspaceResourceNamesADatabase() {
    assertThat(Roles.keyspaceOf("data/shop")).isEqualTo("shop");
    assertThat(Roles.keyspaceOf("data/shop/orders")).isNull();
    assertThat(Roles.keyspaceOf("data")).isNull();
    assertThat(Roles.keyspaceOf("roles/bob")).isNull();
  }
}
