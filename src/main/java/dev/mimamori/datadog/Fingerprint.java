package dev.mimamori.datadog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * A 64-bit fingerprint of the fields of a definition that are compared for plain equality: equal fields give equal
 * fingerprints, and a cryptographic digest makes it implausible that an edit made in Datadog passes for the desired
 * definition. Each field is written with its length (or as absent), so no two field lists share an encoding.
 */
final class Fingerprint {
    private static final byte ABSENT = 0;
    private static final byte PRESENT = 1;

    private final MessageDigest digest;

    Fingerprint() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    Fingerprint text(String value) {
        if (value == null) {
            digest.update(ABSENT);
            return this;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(PRESENT);
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        digest.update(bytes);
        return this;
    }

    Fingerprint integer(Integer value) {
        return number(value == null ? null : value.longValue());
    }

    /** By its bits, as {@link Double#equals} compares. */
    Fingerprint decimal(Double value) {
        return number(value == null ? null : Double.doubleToLongBits(value));
    }

    /** Entries in the map's own order: callers pass sorted maps, whose equal instances iterate alike. */
    Fingerprint decimals(Map<String, Double> values) {
        number((long) values.size());
        values.forEach((key, value) -> text(key).decimal(value));
        return this;
    }

    long value() {
        return ByteBuffer.wrap(digest.digest()).getLong();
    }

    private Fingerprint number(Long value) {
        if (value == null) {
            digest.update(ABSENT);
            return this;
        }
        digest.update(PRESENT);
        digest.update(ByteBuffer.allocate(Long.BYTES).putLong(value).array());
        return this;
    }
}
