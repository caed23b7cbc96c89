package dev.oceanj.core.sync;

/**
 * 64-bit hashes of entity keys and contents, so a resync remembers a million entities in a few megabytes.
 *
 * <p>Every structure built on them is arranged so that a collision can only make the runtime more cautious:
 * a colliding stale entity looks "seen" and is kept, never deleted.
 */
public final class KeyHash {

  private static final long PRIME = 0x100000001b3L;
  private static final long OFFSET = 0xcbf29ce484222325L;

  private KeyHash() {}

  /** Hash of (blueprint, identifier); the separator cannot occur in Port identifiers. */
  public static long key(String blueprint, String identifier) {
    long h = OFFSET;
    h = chars(h, blueprint);
    h = (h ^ 0x1F) * PRIME;
    h = chars(h, identifier);
    return fmix(h ^ ((long) blueprint.length() << 32 | identifier.length()));
  }

  /** Hash of an identifier alone (relation targets: Ocean matches them without the blueprint). */
  public static long identifier(String identifier) {
    return fmix(chars(OFFSET ^ 0x5bd1e995L, identifier) ^ identifier.length());
  }

  /** Digest of serialized bytes, seeded so that equal bodies of different blueprints differ. */
  public static long digest(long seed, byte[] bytes) {
    long h = fmix(seed ^ 0x9E3779B97F4A7C15L);
    int i = 0;
    int n = bytes.length;
    for (; i + 8 <= n; i += 8) {
      long k = (bytes[i] & 0xFFL) | (bytes[i + 1] & 0xFFL) << 8 | (bytes[i + 2] & 0xFFL) << 16
          | (bytes[i + 3] & 0xFFL) << 24 | (bytes[i + 4] & 0xFFL) << 32 | (bytes[i + 5] & 0xFFL) << 40
          | (bytes[i + 6] & 0xFFL) << 48 | (bytes[i + 7] & 0xFFL) << 56;
      k *= 0x87c37b91114253d5L;
      k = Long.rotateLeft(k, 31);
      k *= 0x4cf5ad432745937fL;
      h ^= k;
      h = Long.rotateLeft(h, 27) * 5 + 0x52dce729;
    }
    long tail = 0;
    for (int s = 0; i < n; i++, s += 8) {
      tail |= (bytes[i] & 0xFFL) << s;
    }
    h ^= tail * 0x87c37b91114253d5L;
    return fmix(h ^ n);
  }

  private static long chars(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * PRIME;
    }
    return h;
  }

  /** MurmurHash3's 64-bit finalizer: spreads FNV's weak low bits over the whole word. */
  static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
