package dev.paffmem.faces.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.faces.persons.Population;
import dev.paffmem.faces.render.Images;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OmgWriterTest {
    /** OMG-Emotion's own column names, in its order. */
    static final List<String> OMG_COLUMNS =
            List.of("link", "start", "end", "video", "utterance", "arousal", "valence", "EmotionMaxVote");

    @TempDir
    Path dir;

    @Test
    void writesOmgLayoutWithPerFrameGroundTruth() throws IOException {
        new OmgWriter(new OmgWriter.Options(Population.DEFAULT_SEED, 4, 8, 0.5, 0.25, 3, Images.Format.PNG, 2, false)).write(dir);
        assertTrue(Files.exists(dir.resolve("READY")));

        List<String> videos = Files.readAllLines(dir.resolve(OmgWriter.VIDEOS_CSV));
        List<String> header = List.of(videos.get(0).split(","));
        assertEquals(OMG_COLUMNS, header);
        Map<String, double[]> utterances = new HashMap<>();
        Set<String> videoIds = new HashSet<>();
        for (String line : videos.subList(1, videos.size())) {
            String[] c = line.split(",", -1);
            assertEquals(8, c.length);
            double arousal = Double.parseDouble(c[header.indexOf("arousal")]);
            double valence = Double.parseDouble(c[header.indexOf("valence")]);
            assertTrue(arousal >= 0 && arousal <= 1, "OMG arousal is in [0, 1]: " + line);
            assertTrue(valence >= -1 && valence <= 1);
            double start = Double.parseDouble(c[header.indexOf("start")]);
            double end = Double.parseDouble(c[header.indexOf("end")]);
            assertTrue(end > start);
            assertTrue(c[header.indexOf("utterance")].matches("utterance_\\d+\\.mp4"));
            int vote = Integer.parseInt(c[header.indexOf("EmotionMaxVote")]);
            assertTrue(vote >= 0 && vote <= 6);
            videoIds.add(c[header.indexOf("video")]);
            utterances.put(c[3] + "/" + c[4], new double[] {arousal, valence, 0, 0, 0});
        }
        assertEquals(4, videoIds.size());
        assertTrue(videoIds.stream().allMatch(v -> v.startsWith("eval-")), "evaluation persons only");

        List<String> frames = Files.readAllLines(dir.resolve("frames.csv"));
        assertEquals(List.of(OmgWriter.FRAMES_HEADER.split(",")), List.of(frames.get(0).split(",")));
        assertEquals(4 * 8 * 25 + 1, frames.size());
        Set<String> types = new HashSet<>();
        for (String line : frames.subList(1, frames.size())) {
            String[] c = line.split(",", -1);
            assertTrue(Files.exists(dir.resolve(c[3])), c[3]);
            double a = Double.parseDouble(c[4]);
            assertEquals(OmgWriter.toOmgArousal(a), Double.parseDouble(c[6]), 1e-6);
            double[] u = utterances.get(c[0] + "/" + c[1]);
            u[2] += a;
            u[3] += Double.parseDouble(c[5]);
            u[4]++;
            types.add(c[8]);
        }
        // utterance labels are the mean of their frames, arousal mapped to [0, 1]
        for (double[] u : utterances.values()) {
            assertEquals(u[0], OmgWriter.toOmgArousal(u[2] / u[4]), 2e-6);
            assertEquals(u[1], u[3] / u[4], 2e-6);
        }
        assertEquals(Set.of("typical", "identity_confound", "resting_offset", "inverted_valence"), types);
        assertEquals(4 * 9 + 1, Files.readAllLines(dir.resolve("calibration.csv")).size());
    }

    @Test
    void calibrationFacesFromAnotherSessionDifferOnlyInTheirCaptureConditions(@TempDir Path other) throws IOException {
        Path first = other.resolve("first");
        Path session = other.resolve("session");
        new OmgWriter(new OmgWriter.Options(7, 2, 1, 0, 0.5, 2, Images.Format.PNG, 1, false)).write(first);
        new OmgWriter(new OmgWriter.Options(7, 2, 1, 0, 0.5, 2, Images.Format.PNG, 1, false,
                OmgWriter.CalibrationConditions.OTHER_SESSION)).write(session);
        assertEquals(Files.readAllLines(first.resolve("calibration.csv")),
                Files.readAllLines(session.resolve("calibration.csv")), "same faces, same emotions");
        assertEquals(Files.readAllLines(first.resolve("frames.csv")), Files.readAllLines(session.resolve("frames.csv")));
        String frame = Files.readAllLines(first.resolve("frames.csv")).get(1).split(",")[3];
        assertArrayEquals(Files.readAllBytes(first.resolve(frame)), Files.readAllBytes(session.resolve(frame)),
                "the videos are the same");
        for (String row : Files.readAllLines(first.resolve("calibration.csv")).subList(1, 9)) {
            String file = row.split(",")[1];
            assertFalse(java.util.Arrays.equals(Files.readAllBytes(first.resolve(file)),
                    Files.readAllBytes(session.resolve(file))), "another session's capture conditions: " + file);
        }
        assertTrue(Files.readString(session.resolve("manifest.json")).contains("other_session"));
        // the face model that rendered the set: the same seed renders other pixels under another one
        assertTrue(Files.readString(first.resolve("manifest.json")).contains(
                "\"face_model\" : \"" + dev.paffmem.faces.render.FaceRenderer.FACE_MODEL + "\""));
    }

    @Test
    void framesMoveSmoothly() {
        PersonTimeline tl = new PersonTimeline(new Population(Population.DEFAULT_SEED, dev.paffmem.faces.persons.Split.EVAL,
                0.5).person(3), Population.DEFAULT_SEED);
        double maxStep = 0;
        double min = 1;
        double max = -1;
        for (long f = 1; f < 25 * 120; f++) {
            PersonTimeline.FrameSpec a = tl.frame(f - 1);
            PersonTimeline.FrameSpec b = tl.frame(f);
            maxStep = Math.max(maxStep, Math.max(Math.abs(a.arousal() - b.arousal()), Math.abs(a.valence() - b.valence())));
            min = Math.min(min, b.valence());
            max = Math.max(max, b.valence());
        }
        assertTrue(maxStep < 0.15, "largest frame-to-frame change " + maxStep);
        assertTrue(max - min > 0.8, "valence covers too little of the space: " + min + ".." + max);
    }
}
