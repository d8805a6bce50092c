package dev.paffmem.faces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SyntheticFacesCliTest {
    @TempDir
    Path dir;

    @Test
    void everySubcommandHasHelp() {
        for (String sub : new String[] {"affectnet", "omg", "stream", "contact-sheet", "benchmark"}) {
            CommandLine cli = SyntheticFacesCli.commandLine();
            StringWriter out = new StringWriter();
            cli.setOut(new PrintWriter(out));
            assertEquals(0, cli.execute(sub, "--help"), sub);
            assertTrue(out.toString().contains("Usage: synthetic-faces " + sub), out.toString());
        }
    }

    @Test
    void contactSheetAndSmallDatasetsFromTheCommandLine() throws Exception {
        Path sheet = dir.resolve("sheet.png");
        assertEquals(0, SyntheticFacesCli.commandLine().execute("contact-sheet", "--out", sheet.toString(),
                "--persons", "2", "--grid", "3"));
        assertEquals(2 * 4 + 3 * 96 + 2 * 2, ImageIO.read(sheet.toFile()).getHeight() - 2 * 6);
        Path an = dir.resolve("an");
        assertEquals(0, SyntheticFacesCli.commandLine().execute("affectnet", "--out", an.toString(), "--train-persons",
                "2", "--train-images", "4", "--val-persons", "1", "--val-images", "2", "--no-nuisance", "--quiet"));
        assertTrue(Files.exists(an.resolve("READY")));
        assertTrue(Files.readString(an.resolve("manifest.json")).contains("\"nuisance\" : \"false\""));
        Path omg = dir.resolve("omg");
        assertEquals(0, SyntheticFacesCli.commandLine().execute("omg", "--out", omg.toString(), "--persons", "1",
                "--seconds", "1", "--calibration-grid", "0", "--quiet"));
        assertTrue(Files.exists(omg.resolve("READY")));
    }
}
