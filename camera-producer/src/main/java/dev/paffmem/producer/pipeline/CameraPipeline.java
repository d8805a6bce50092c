package dev.paffmem.producer.pipeline;

import dev.paffmem.producer.crop.FaceCropper;
import dev.paffmem.producer.detect.FaceDetector;
import dev.paffmem.producer.track.Box;
import dev.paffmem.producer.track.FaceTracker;
import dev.paffmem.producer.video.VideoSource;
import dev.paffmem.schema.FaceBox;
import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.ImageEncoding;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One camera: a decoder thread fills a bounded queue of frames; a worker thread detects faces every few frames, tracks
 * them, crops each tracked face and hands a FaceFrame to the sink.
 *
 * <p>Drop policy: a live source (camera, network stream, or a file with {@code realtime}) never waits: when the queue
 * is full the oldest waiting frame is dropped ({@link CameraStats#dropped}), so the worker always gets the newest
 * frames and latency stays bounded. A file or folder read as fast as possible waits instead (nothing is dropped).
 * Dropped frames are never seen by the tracker; a person's frame index counts the frames produced for that person.
 */
public final class CameraPipeline {

  private static final VideoSource.DecodedFrame END = new VideoSource.DecodedFrame(-1, -1, new Mat());

  private final CameraConfig config;
  private final Consumer<FaceFrame> sink;
  private final CameraStats stats = new CameraStats();
  private final BlockingQueue<VideoSource.DecodedFrame> queue;
  private Thread decoder;
  private Thread worker;

  public CameraPipeline(CameraConfig config, Consumer<FaceFrame> sink) {
    this.config = config;
    this.sink = sink;
    this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
  }

  public CameraConfig config() {
    return config;
  }

  public CameraStats stats() {
    return stats;
  }

  /** Opens the source (errors here are thrown) and starts the two threads. */
  public void start() throws Exception {
    VideoSource source = VideoSource.open(config.input(), config.folderFps());
    Instant base = config.startTime() != null ? config.startTime()
        : source.creationTime() != null ? source.creationTime() : Instant.now();
    boolean live = source.live() || config.realtime();
    decoder = new Thread(() -> decode(source, live), "decode-" + config.cameraId());
    worker = new Thread(() -> work(source.width(), source.height(), base), "detect-" + config.cameraId());
    decoder.setDaemon(true);
    worker.setDaemon(true);
    worker.start();
    decoder.start();
  }

  /** Waits until the source ended and every frame was processed. */
  public void join() throws InterruptedException {
    decoder.join();
    worker.join();
  }

  /** Stops reading (the worker finishes what is queued). */
  public void stop() {
    decoder.interrupt();
  }

  private void decode(VideoSource source, boolean live) {
    long t0 = System.nanoTime();
    long first = Long.MIN_VALUE;
    try (source) {
      VideoSource.DecodedFrame f;
      while (!Thread.currentThread().isInterrupted() && (f = source.next()) != null) {
        stats.decoded.incrementAndGet();
        if (config.realtime()) {
          first = first == Long.MIN_VALUE ? f.timestampMicros() : first;
          long due = t0 + (f.timestampMicros() - first) * 1000;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
        if (live) {
          while (!queue.offer(f)) {
            VideoSource.DecodedFrame old = queue.poll();
            if (old != null) {
              old.close();
              stats.dropped.incrementAndGet();
            }
          }
        } else {
          queue.put(f);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      stats.error = e;
    } finally {
      try {
        queue.put(END);
      } catch (InterruptedException e) {
        queue.clear();
        queue.offer(END);
      }
    }
  }

  private void work(int width, int height, Instant base) {
    FaceTracker tracker = new FaceTracker(config.tracker(), width, height);
    Map<Integer, long[]> frames = new HashMap<>(); // track id -> first, last frame number
    long firstTimestamp = Long.MIN_VALUE;
    try (FaceDetector detector = config.detector().create();
        FaceCropper cropper = new FaceCropper(config.cropSize(), config.cropScale(), config.cropOffsetX(),
            config.cropOffsetY(), config.jpegQuality())) {
      while (true) {
        VideoSource.DecodedFrame f = queue.take();
        if (f == END) {
          break;
        }
        try (f) {
          if (firstTimestamp == Long.MIN_VALUE) {
            firstTimestamp = f.timestampMicros();
          }
          long streamMillis = (f.timestampMicros() - firstTimestamp) / 1000;
          boolean detect = stats.processed.get() % config.detectEvery() == 0;
          List<Box> boxes = detect ? detector.detect(f.bgr()) : null;
          if (detect) {
            stats.detections.incrementAndGet();
          }
          FaceTracker.Update update = tracker.update(f.number(), boxes);
          for (FaceTracker.Face face : update.faces()) {
            FaceCropper.Crop crop = cropper.crop(f.bgr(), face.box());
            if (crop == null) {
              continue;
            }
            frames.computeIfAbsent(face.trackId(), k -> new long[] {f.number(), f.number()})[1] = f.number();
            Box b = face.box();
            sink.accept(FaceFrame.newBuilder()
                .setPersonId(config.personId(face.trackId()))
                .setSourceId(config.cameraId())
                .setFrameIndex(face.personFrameIndex())
                .setEventTime(base.plusMillis(streamMillis))
                .setEncoding(ImageEncoding.JPEG)
                .setImage(ByteBuffer.wrap(crop.jpeg()))
                .setWidth(config.cropSize())
                .setHeight(config.cropSize())
                .setFaceBox(FaceBox.newBuilder()
                    .setX((int) Math.round(b.x())).setY((int) Math.round(b.y()))
                    .setWidth((int) Math.round(b.width())).setHeight((int) Math.round(b.height()))
                    .setFrameWidth(width).setFrameHeight(height).setDetected(face.detected())
                    .build())
                .build());
            stats.faces.incrementAndGet();
          }
          record(update.ended(), frames);
          stats.activeTracks.set(tracker.activeTracks());
          stats.streamMillis.set(streamMillis);
          stats.processed.incrementAndGet();
        }
      }
      record(tracker.finish(), frames);
      stats.activeTracks.set(0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      stats.error = e;
      decoder.interrupt();
      VideoSource.DecodedFrame left;
      while ((left = queue.poll()) != null) {
        if (left != END) {
          left.close();
        }
      }
    } finally {
      stats.done = true;
    }
  }

  private void record(List<FaceTracker.Ended> ended, Map<Integer, long[]> frames) {
    for (FaceTracker.Ended e : ended) {
      long[] span = frames.getOrDefault(e.trackId(), new long[] {-1, -1});
      stats.persons.add(new CameraStats.Person(config.personId(e.trackId()), e.faces(), span[0], span[1], e.reason()));
    }
  }
}
