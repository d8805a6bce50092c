package dev.paffmem.faces.render;

/**
 * SplitMix64 pseudo-random generator with its algorithm written out here, so a seed gives the same
 * numbers on every JVM and platform (java.util.SplittableRandom only promises this within one run).
 * Gaussians use Box-Muller with {@link StrictMath}.
 */
public final class Rng {
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** A seed derived from a parent seed and a salt, e.g. a person's index; stable across versions. */
    public static long derive(long seed, long salt) {
        return mix(seed ^ mix(salt + 0x632BE59BD9B4E019L));
    }

    /** Same as {@code new Rng(derive(seed, salt))}. */
    public static Rng of(long seed, long salt) {
        return new Rng(derive(seed, salt));
    }

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        return mix(state);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [lo, hi). */
    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        return (int) ((nextLong() >>> 33) % bound);
    }

    public boolean chance(double p) {
        return nextDouble() < p;
    }

    /** Standard normal (Box-Muller, one value per call). */
    public double gaussian() {
        double u1 = nextDouble();
        double u2 = nextDouble();
        if (u1 < 1e-300) {
            u1 = 1e-300;
        }
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    /** A new generator seeded from this one: a sub-stream for one purpose. */
    public Rng fork(long salt) {
        return new Rng(derive(nextLong(), salt));
    }
}
