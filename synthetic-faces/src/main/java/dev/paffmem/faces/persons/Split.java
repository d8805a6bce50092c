package dev.paffmem.faces.persons;

/**
 * Disjoint person populations. Each split has its own id prefix and seed stream, so no person of
 * one split can appear in another (same index, different split = different person).
 */
public enum Split {
    TRAIN("train", 0x7A1L),
    VALIDATION("val", 0x7A2L),
    EVAL("eval", 0x7A3L);

    public final String prefix;
    final long salt;

    Split(String prefix, long salt) {
        this.prefix = prefix;
        this.salt = salt;
    }
}
