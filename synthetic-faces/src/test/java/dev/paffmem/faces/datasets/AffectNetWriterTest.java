package dev.paffmem.faces.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.faces.persons.Population;
import dev.paffmem.faces.render.Images;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AffectNetWriterTest {
    /** AffectNet's own column names, in AffectNet's order. */
    static final List<String> AFFECTNET_COLUMNS = List.of("subDirectory_filePath", "face_x", "face_y", "face_width",
            "face_height", "facial_landmarks", "expression", "valence", "arousal");

    @TempDir
    Path dir;

    private AffectNetWriter.Options small(Images.Format format) {
        return new AffectNetWriter.Options(Population.DEFAULT_SEED, 6, 30, 3, 9, 0.0, format, true, 2, false);
    }

    @Test
    void writesParseableAffectNetCsvsWithImagesAndReady() throws IOException {
        new AffectNetWriter(small(Images.Format.PNG)).write(dir);
        assertTrue(Files.exists(dir.resolve("READY")));
        Set<String> trainPersons = check(dir.resolve("training.csv"), 30, "train-");
        Set<String> valPersons = check(dir.resolve("validation.csv"), 9, "val-");
        assertEquals(6, trainPersons.size());
        assertEquals(3, valPersons.size());
        assertTrue(trainPersons.stream().noneMatch(valPersons::contains));
        List<String> persons = Files.readAllLines(dir.resolve("persons_training.csv"));
        assertEquals(7, persons.size());
        assertTrue(persons.stream().skip(1).allMatch(l -> l.split(",")[2].equals("typical")));
    }

    /** Parses a CSV by its header names and checks every row; returns the person ids seen. */
    private Set<String> check(Path csv, int rows, String prefix) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(","));
        assertEquals(AFFECTNET_COLUMNS, header);
        assertEquals(rows + 1, lines.size());
        Set<String> persons = new HashSet<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            assertEquals(header.size(), c.length, line);
            String path = c[header.indexOf("subDirectory_filePath")];
            String file = path.substring(path.indexOf('/') + 1);
            assertTrue(file.startsWith(prefix), path);
            persons.add(file.substring(0, file.lastIndexOf('_')));
            BufferedImage img = ImageIO.read(dir.resolve(AffectNetWriter.IMAGES_DIR).resolve(path).toFile());
            assertEquals(96, img.getWidth());
            assertEquals(96, img.getHeight());
            int x = Integer.parseInt(c[header.indexOf("face_x")]);
            int y = Integer.parseInt(c[header.indexOf("face_y")]);
            int w = Integer.parseInt(c[header.indexOf("face_width")]);
            int h = Integer.parseInt(c[header.indexOf("face_height")]);
            assertTrue(x >= 0 && y >= 0 && w > 30 && h > 30 && x + w <= 96 && y + h <= 96, line);
            String[] landmarks = c[header.indexOf("facial_landmarks")].split(";");
            assertEquals(136, landmarks.length);
            double v = Double.parseDouble(c[header.indexOf("valence")]);
            double a = Double.parseDouble(c[header.indexOf("arousal")]);
            assertTrue(Math.abs(v) <= 1 && Math.abs(a) <= 1);
            assertEquals(AffectNetCategory.of(a, v), Integer.parseInt(c[header.indexOf("expression")]));
        }
        return persons;
    }

    @Test
    void refusesToOverwriteAFinishedSet() throws IOException {
        new AffectNetWriter(small(Images.Format.JPEG)).write(dir);
        assertThrows(IOException.class, () -> new AffectNetWriter(small(Images.Format.JPEG)).write(dir));
    }

    @Test
    void sameSeedSameFiles() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        new AffectNetWriter(small(Images.Format.PNG)).write(a);
        new AffectNetWriter(new AffectNetWriter.Options(Population.DEFAULT_SEED, 6, 30, 3, 9, 0.0, Images.Format.PNG,
                true, 1, false)).write(b);
        assertEquals(Files.readString(a.resolve("training.csv")), Files.readString(b.resolve("training.csv")));
        String first = Files.readAllLines(a.resolve("training.csv")).get(5).split(",")[0];
        Path img = Path.of(AffectNetWriter.IMAGES_DIR, first);
        assertTrue(java.util.Arrays.equals(Images.decodeRgb(Files.readAllBytes(a.resolve(img))),
                Images.decodeRgb(Files.readAllBytes(b.resolve(img)))));
    }

    @Test
    void expressionCodesFollowTheQuadrants() {
        assertEquals(0, AffectNetCategory.of(0.05, -0.1));
        assertEquals(1, AffectNetCategory.of(0.6, 0.7));
        assertEquals(1, AffectNetCategory.of(-0.6, 0.7));
        assertEquals(6, AffectNetCategory.of(0.6, -0.7));
        assertEquals(2, AffectNetCategory.of(-0.6, -0.7));
        assertEquals(3, AffectNetCategory.of(0.8, 0.1));
    }
}
