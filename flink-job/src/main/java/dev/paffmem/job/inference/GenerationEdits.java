package dev.paffmem.job.inference;

/**
 * What the memory learns from a generation frame's edits (the z of the person at each generation target).
 *
 * <ul>
 *   <li>{@link #G}: the generator's edits as they are, E(G(z, y)) (the paper's): G re-synthesizes the face from z,
 *       and drops much of what makes this person look as they do.
 *   <li>{@link #DELTA_Z}: the frame's own z moved by G's change of expression in z, z + E(G(z, y)) - E(G(z, D_em(z))):
 *       the person's offset in z (their anatomy, their capture conditions) stays, and only what G changes between the
 *       frame's own reading and the target is added. One more generator row per chunk (the frame's own reading).
 *       Measured on tuning persons and not the default: no better than {@link #G} over both tuning seeds
 *       (docs/evaluation/RESULTS.md, "Delta edits in z").
 * </ul>
 */
public enum GenerationEdits { G, DELTA_Z }
