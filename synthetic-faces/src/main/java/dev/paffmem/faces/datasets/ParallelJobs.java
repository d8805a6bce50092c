package dev.paffmem.faces.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Runs job(i) for i in [0, count) on a few threads and hands the results to a consumer in index
 * order, so outputs do not depend on scheduling. Each job must depend only on its index.
 */
final class ParallelJobs {
    private ParallelJobs() {
    }

    static <T> void run(String task, int count, int threads, boolean progress, IntFunction<T> job, Consumer<T> inOrder) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "render");
            t.setDaemon(true);
            return t;
        });
        ProgressBar bar = progress
                ? new ProgressBarBuilder().setTaskName(task).setInitialMax(count).setStyle(ProgressBarStyle.ASCII)
                        .setUpdateIntervalMillis(500).continuousUpdate().setConsumer(
                                new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build()
                : null;
        try {
            int window = Math.max(64, threads * 64);
            for (int start = 0; start < count; start += window) {
                int end = Math.min(count, start + window);
                List<Future<T>> futures = new ArrayList<>(end - start);
                for (int i = start; i < end; i++) {
                    final int index = i;
                    futures.add(pool.submit(() -> job.apply(index)));
                }
                for (Future<T> f : futures) {
                    inOrder.accept(f.get());
                    if (bar != null) {
                        bar.step();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(task + " failed", e.getCause());
        } finally {
            if (bar != null) {
                bar.close();
            }
            pool.shutdownNow();
        }
    }
}
