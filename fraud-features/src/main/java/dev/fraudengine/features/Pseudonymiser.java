package dev.fraudengine.features;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FraudEngineException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/*
 * Replaces an entity key by HMAC-SHA256(secret, entity name + ':' + key), truncated to 128 bits and written in
 * URL-safe Base64 (22 characters), before it is stored: the state, snapshots and the label index never hold raw
 * card numbers, device ids or IPs. The entity name is mixed in so that equal keys of two entities do not link.
 * A Mac is not thread-safe, so each thread keeps its own.
 */
final class Pseudonymiser {
  private static final String ALGORITHM = "HmacSHA256";
  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;
  private final String fingerprint;

  Pseudonymiser(byte[] secret) {
    this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    this.macs = ThreadLocal.withInitial(this::newMac);
    this.fingerprint = apply("fingerprint", "fraud-engine");
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new FraudEngineException(ErrorCode.FEATURE_STATE_FAILED, "cannot initialise " + ALGORITHM, e);
    }
  }

  String apply(String entity, String raw) {
    Mac mac = macs.get();
    mac.update(entity.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) ':');
    byte[] digest = mac.doFinal(raw.getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
  }

  /** A keyed value that tells whether two pipelines use the same secret, without revealing it. */
  String fingerprint() {
    return fingerprint;
  }
}
