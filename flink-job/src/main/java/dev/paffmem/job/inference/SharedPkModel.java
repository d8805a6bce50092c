package dev.paffmem.job.inference;

import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.config.JobConfig.ModelPrecision;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link PkModel} (one ONNX Runtime session per network) per TaskManager JVM, shared by all
 * slots that run the inference operator and reference-counted: the first {@link #acquire} opens
 * it, the last {@link Lease#close()} (when the job's last operator closes) closes it.
 *
 * <p>The registry is static in the job's class loader, so it is per job per TaskManager; the ONNX
 * Runtime environment itself is a process-wide singleton of ONNX Runtime.
 */
public final class SharedPkModel {

  private static final Logger LOG = LoggerFactory.getLogger(SharedPkModel.class);

  private record Key(String dir, Device device, ModelPrecision precision, int intraOpThreads, boolean regions) {}

  private static final class Entry {
    final PkModel model;
    int references;

    Entry(PkModel model) {
      this.model = model;
    }
  }

  private static final Map<Key, Entry> MODELS = new HashMap<>();

  private SharedPkModel() {}

  /** A handle on the shared model; close it exactly once. */
  public static final class Lease implements AutoCloseable {
    private final Key key;
    private final PkModel model;
    private boolean closed;

    private Lease(Key key, PkModel model) {
      this.key = key;
      this.model = model;
    }

    public PkModel model() {
      return model;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        release(key);
      }
    }
  }

  /**
   * Opens the model on first use in this JVM, or shares the open one. The files on this machine
   * must have the digests of the manifest the client validated at submission.
   */
  public static synchronized Lease acquire(ModelManifest submitted, Device device, int intraOpThreads) {
    return acquire(submitted, device, ModelPrecision.FP32, intraOpThreads);
  }

  /** As {@link #acquire(ModelManifest, Device, int)}, generation's networks at {@code precision}. */
  public static synchronized Lease acquire(ModelManifest submitted, Device device, ModelPrecision precision,
      int intraOpThreads) {
    return acquire(submitted, device, precision, intraOpThreads, true);
  }

  /**
   * As {@link #acquire(ModelManifest, Device, ModelPrecision, int)}; with {@code regions} false without the regions'
   * band readers ({@link PkModel#open(ModelManifest, Device, ModelPrecision, int, boolean)}).
   */
  public static synchronized Lease acquire(ModelManifest submitted, Device device, ModelPrecision precision,
      int intraOpThreads, boolean regions) {
    Key key = new Key(submitted.dir().toAbsolutePath().normalize().toString(), device, precision, intraOpThreads,
        regions);
    Entry e = MODELS.get(key);
    if (e == null) {
      ModelManifest local = ModelManifest.load(submitted.dir());
      if (!local.digests().equals(submitted.digests())
          || !local.quantizedDigests().equals(submitted.quantizedDigests())) {
        throw new ModelDirectoryException("model directory " + submitted.dir() + " on this TaskManager holds "
            + local.digests() + " " + local.quantizedDigests() + " but the job was submitted with "
            + submitted.digests() + " " + submitted.quantizedDigests()
            + ": deploy the same model directory to every machine");
      }
      e = new Entry(PkModel.open(local, device, precision, intraOpThreads, regions));
      MODELS.put(key, e);
      LOG.info("Opened PK model {} on {} ({} intra-op threads; generation: {}{})", local, e.model.deviceUsed(),
          intraOpThreads, e.model.generationPrecision(),
          e.model.hasRegions() ? "; the regions' band readers open" : "");
    }
    e.references++;
    return new Lease(key, e.model);
  }

  private static synchronized void release(Key key) {
    Entry e = MODELS.get(key);
    if (e != null && --e.references == 0) {
      MODELS.remove(key);
      e.model.close();
      LOG.info("Closed PK model {}", key.dir());
    }
  }

  /** Open models in this JVM (for tests). */
  public static synchronized int openCount() {
    return MODELS.size();
  }

  /** References to the model of a directory (for tests). */
  public static synchronized int references(ModelManifest manifest, Device device, int intraOpThreads) {
    int n = 0;
    for (boolean regions : new boolean[] {false, true}) { // with and without the regions' band readers
      Entry e = MODELS.get(new Key(manifest.dir().toAbsolutePath().normalize().toString(), device, ModelPrecision.FP32,
          intraOpThreads, regions));
      n += e == null ? 0 : e.references;
    }
    return n;
  }
}
