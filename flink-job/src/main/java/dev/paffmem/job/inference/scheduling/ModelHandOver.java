package dev.paffmem.job.inference.scheduling;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.util.function.ThrowingConsumer;
import org.apache.flink.util.function.ThrowingRunnable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asynchronous hand-over between a task thread and its model thread: one model call at a time runs on
 * a thread of its own ({@link #onThread}), and its result is handed back to the task thread through the
 * task's mailbox, where {@code done} runs; a failure is rethrown there (failing the task). {@link #direct()}
 * runs both on the caller's thread. All methods but the model call itself run on the task thread.
 */
public final class ModelHandOver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelHandOver.class);

  private final MailboxExecutor mailbox;
  private final ExecutorService thread;
  /** Calls submitted whose {@code done} has not run yet (task thread only). */
  private int inFlight;

  private ModelHandOver(MailboxExecutor mailbox, ExecutorService thread) {
    this.mailbox = mailbox;
    this.thread = thread;
  }

  /** Model calls and their results on the caller's thread. */
  public static ModelHandOver direct() {
    return new ModelHandOver(null, null);
  }

  /** Model calls on a daemon thread named {@code threadName}, results through {@code mailbox}. */
  public static ModelHandOver onThread(MailboxExecutor mailbox, String threadName) {
    if (mailbox == null) {
      throw new IllegalStateException("asynchronous inference needs the task's mailbox executor (a YieldingOperator)");
    }
    return new ModelHandOver(mailbox, Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    }));
  }

  public boolean isAsync() {
    return thread != null;
  }

  /** Whether a call is submitted and its result not yet handed back. */
  public boolean busy() {
    return inFlight > 0;
  }

  /**
   * Runs {@code call} (on the model thread) and then {@code done} with its result (on the task thread).
   * {@code what} names the call in the failure's message ("... failed").
   *
   * @throws IllegalStateException when a call is still in flight: {@link #awaitIdle()} first
   */
  public <R> void submit(String what, Callable<R> call, ThrowingConsumer<R, Exception> done) throws Exception {
    if (inFlight > 0) {
      throw new IllegalStateException("one model call at a time: " + what + " submitted while one is in flight");
    }
    if (thread == null) {
      done.accept(call.call());
      return;
    }
    inFlight++;
    thread.execute(() -> {
      ThrowingRunnable<Exception> mail;
      try {
        R result = call.call();
        mail = () -> {
          inFlight--;
          done.accept(result);
        };
      } catch (Throwable t) {
        mail = () -> {
          inFlight--;
          throw new RuntimeException(what + " failed", t);
        };
      }
      try {
        mailbox.execute(mail, what);
      } catch (RejectedExecutionException closed) {
        // the task is closing (cancelled or failed): nothing of this call was emitted or checkpointed, so
        // its input is processed again after recovery
        LOG.debug("task closing: result of {} dropped", what, closed);
      }
    });
  }

  /** Runs the task's mails (results, timers) until no call is in flight. */
  public void awaitIdle() throws InterruptedException {
    while (inFlight > 0) {
      mailbox.yield();
    }
  }

  /** Stops the model thread, letting a running call end (it uses sessions the caller may close next). */
  @Override
  public void close() throws InterruptedException {
    if (thread != null) {
      thread.shutdownNow();
      if (!thread.awaitTermination(5, TimeUnit.MINUTES)) {
        LOG.warn("the model thread did not stop within 5 minutes");
      }
    }
  }
}
