package io.coffer.plugin.redis.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.spi.Secret;
import org.junit.jupiter.api.Test;

class AclUsersTest {
  @Test
  void aPasswordReachesAclSetuserAsItsSha256OnlyInLowerCaseHex() {
    // echo -n password | sha256sum
    assertThat(AclUsers.passwordHash(Secret.of("password")))
        .isEqualTo("#5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8");
  }
}
