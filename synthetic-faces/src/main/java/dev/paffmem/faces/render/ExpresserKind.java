package dev.paffmem.faces.render;

/**
 * How a person expresses arousal and valence. TYPICAL persons vary a little around one shared mapping
 * (what a general model learns); every other kind departs from it in one documented way, so that a
 * general model is biased on that person while the person's own mapping stays invertible (a
 * per-person memory can learn it). See synthetic-faces/README.md for the full taxonomy.
 */
public enum ExpresserKind {
    /** Gains 0.8-1.2, carriers 0.6-1.2, resting offset at most 0.12, asymmetry at most 0.15. */
    TYPICAL(false),
    /** Typical dynamics on top of a static resting face equal to a typical face at (Δa, Δv), |(Δa, Δv)| in 0.5-0.7. */
    RESTING_OFFSET(true),
    /** Valence cues move the wrong way: mouth corners drop and sad/angry brows appear as valence rises. */
    INVERTED_VALENCE(true),
    /** Arousal drives the valence features and valence drives the arousal features. */
    SWAPPED_AXES(true),
    /** Arousal carried by mouth opening alone (gain 1.6); brows still; eyes narrow (squint) as arousal rises. */
    ODD_AROUSAL_CARRIER(true),
    /** Every gain 0.3-0.4 of typical: small movements, a general model reads them as near neutral. */
    MUTED(true),
    /**
     * Typical expression on a face with strong identity-level anatomy ({@link Anatomy#confounded}): e.g. downturned
     * mouth corners or raised inner brows present at every emotion. Not atypical in how the person expresses; a
     * general model is biased by the face, and a generator that carries the face into its edits lets the memory
     * correct it.
     */
    IDENTITY_CONFOUND(false);

    private final boolean atypical;

    ExpresserKind(boolean atypical) {
        this.atypical = atypical;
    }

    public boolean atypical() {
        return atypical;
    }

    /** The atypical kinds in the order they are handed out to atypical persons. */
    public static ExpresserKind[] atypicalKinds() {
        return new ExpresserKind[] {RESTING_OFFSET, INVERTED_VALENCE, SWAPPED_AXES, ODD_AROUSAL_CARRIER, MUTED};
    }

    /** The kind of a label from {@link #label()}, e.g. "identity_confound". */
    public static ExpresserKind ofLabel(String label) {
        return valueOf(label.toUpperCase(java.util.Locale.ROOT));
    }

    /** Lower-case label used in CSV files, e.g. "typical", "resting_offset". */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
