package io.coffer.agent.archive;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HybridConfig;

/** A fresh archive key pair, as the control's ArchiveKeyStore makes one. */
record ArchiveTestKeys(String keyId, byte[] publicKeyset, byte[] privateKeyset) {
  static ArchiveTestKeys generate(String keyId) throws Exception {
    HybridConfig.register();
    KeysetHandle pair =
        KeysetHandle.generateNew(
            KeyTemplates.get("DHKEM_X25519_HKDF_SHA256_HKDF_SHA256_AES_256_GCM"));
    return new ArchiveTestKeys(
        keyId,
        TinkProtoKeysetFormat.serializeKeysetWithoutSecret(pair.getPublicKeysetHandle()),
        TinkProtoKeysetFormat.serializeKeyset(pair, InsecureSecretKeyAccess.get()));
  }

  ArchiveKeys.PrivateKey privateKey() {
    return ArchiveKeys.PrivateKey.fromKeyset(keyId, privateKeyset);
  }
}
