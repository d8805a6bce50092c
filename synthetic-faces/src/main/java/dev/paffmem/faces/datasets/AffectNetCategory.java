package dev.paffmem.faces.datasets;

/**
 * AffectNet's expression codes (0 Neutral, 1 Happy, 2 Sad, 3 Surprise, 4 Fear, 5 Disgust, 6 Anger,
 * 7 Contempt, 8 None, 9 Uncertain, 10 No-Face), derived here from the arousal/valence point:
 * <ul>
 *   <li>0 Neutral: within radius 0.2 of the origin;</li>
 *   <li>3 Surprise: arousal above 0.5 and |valence| below 0.25;</li>
 *   <li>1 Happy: valence &ge; 0 (quadrants I and IV: excited and content faces);</li>
 *   <li>6 Anger: valence &lt; 0, arousal &ge; 0 (quadrant II);</li>
 *   <li>2 Sad: valence &lt; 0, arousal &lt; 0 (quadrant III).</li>
 * </ul>
 * Fear, Disgust and Contempt are not separable from arousal/valence alone and are never emitted.
 */
public final class AffectNetCategory {
    public static final int NEUTRAL = 0;
    public static final int HAPPY = 1;
    public static final int SAD = 2;
    public static final int SURPRISE = 3;
    public static final int ANGER = 6;

    private AffectNetCategory() {
    }

    public static int of(double arousal, double valence) {
        if (arousal * arousal + valence * valence < 0.2 * 0.2) {
            return NEUTRAL;
        }
        if (arousal > 0.5 && Math.abs(valence) < 0.25) {
            return SURPRISE;
        }
        if (valence >= 0) {
            return HAPPY;
        }
        return arousal >= 0 ? ANGER : SAD;
    }

    /** OMG-Emotion's EmotionMaxVote codes (0 Anger, 1 Disgust, 2 Fear, 3 Happy, 4 Neutral, 5 Sad, 6 Surprise). */
    public static int omgMaxVote(double arousal, double valence) {
        return switch (of(arousal, valence)) {
            case NEUTRAL -> 4;
            case HAPPY -> 3;
            case SAD -> 5;
            case SURPRISE -> 6;
            case ANGER -> 0;
            default -> throw new IllegalStateException();
        };
    }
}
