package dev.paffmem.faces.cli;

import dev.paffmem.faces.persons.Person;
import dev.paffmem.faces.persons.Population;
import dev.paffmem.faces.persons.Split;
import dev.paffmem.faces.render.FaceRenderer;
import dev.paffmem.faces.render.Images;
import dev.paffmem.faces.render.Nuisance;
import dev.paffmem.faces.render.Rng;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Measure images rendered per second (with capture nuisance), with and without PNG/JPEG encoding.")
final class BenchmarkCommand implements Callable<Integer> {
    @Option(names = "--images", defaultValue = "5000", description = "Images per measurement (default: ${DEFAULT-VALUE}).")
    int images;
    @Option(names = "--threads", description = "Threads (default: available processors).")
    Integer threads;
    @Option(names = "--warmup", defaultValue = "1000", description = "Warm-up images (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Override
    public Integer call() throws Exception {
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        List<Person> persons = new Population(Population.DEFAULT_SEED, Split.TRAIN, 0.2).persons(100);
        run(persons, warmup, t, null);
        System.out.printf(java.util.Locale.ROOT, "threads=%d cores=%d images=%d%n", t,
                Runtime.getRuntime().availableProcessors(), images);
        System.out.printf(java.util.Locale.ROOT, "render only      : %8.0f images/s%n", run(persons, images, t, null));
        System.out.printf(java.util.Locale.ROOT, "render + PNG     : %8.0f images/s%n", run(persons, images, t, Images.Format.PNG));
        System.out.printf(java.util.Locale.ROOT, "render + JPEG    : %8.0f images/s%n", run(persons, images, t, Images.Format.JPEG));
        return 0;
    }

    static double run(List<Person> persons, int count, int threads, Images.Format format) throws Exception {
        FaceRenderer renderer = new FaceRenderer();
        AtomicLong sink = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            Future<?>[] fs = new Future<?>[threads];
            for (int k = 0; k < threads; k++) {
                final int worker = k;
                fs[k] = pool.submit(() -> {
                    for (int i = worker; i < count; i += threads) {
                        Person p = persons.get(i % persons.size());
                        Rng rng = Rng.of(p.seed(), i);
                        FaceRenderer.Rendered r = p.render(renderer, rng.uniform(-1, 1),
                                rng.uniform(-1, 1), Nuisance.random(rng));
                        byte[] bytes = format == null ? r.rgb() : Images.encode(r.rgb(), r.width(), r.height(), format);
                        sink.addAndGet(bytes.length);
                    }
                });
            }
            for (Future<?> f : fs) {
                f.get();
            }
            return count / ((System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }
}
