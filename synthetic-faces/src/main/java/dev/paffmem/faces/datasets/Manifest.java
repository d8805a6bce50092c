package dev.paffmem.faces.datasets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** manifest.json of a generated dataset: flat string key/value pairs in a stable order. */
final class Manifest {
    private Manifest() {
    }

    static void write(Path file, String[][] entries) throws IOException {
        Map<String, String> map = new LinkedHashMap<>();
        for (String[] e : entries) {
            map.put(e[0], e[1]);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), map);
    }
}
