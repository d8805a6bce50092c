package dev.paffmem.job.inference;

import dev.paffmem.schema.AffectiveMemoryState;
import java.io.Serializable;

/**
 * Which model a person's memory was built with: the manifest's {@code model_id}, {@code model_version} and the
 * sha256 of its encoder. A memory's weight vectors are encoder outputs, so they mean something only in that
 * encoder's z-space; the job stamps this identity into every {@link AffectiveMemoryState} and the sequencer's
 * progress, and never uses a memory stamped with another identity (or none: states written before the field
 * existed). See flink-job/README.md, "Model upgrades".
 */
public record ModelIdentity(String modelId, String modelVersion, String encoderSha256) implements Serializable {

  public ModelIdentity {
    if (modelId.isBlank() || encoderSha256.isBlank()) {
      throw new IllegalArgumentException("a model identity needs a model id and an encoder sha256");
    }
    encoderSha256 = encoderSha256.toLowerCase(java.util.Locale.ROOT);
  }

  public static ModelIdentity of(ModelManifest manifest) {
    return new ModelIdentity(manifest.modelId(), manifest.modelVersion(),
        manifest.network(ModelManifest.Role.ENCODER).sha256());
  }

  /** One string for the sequencer's state: {@code id|version|sha256}. */
  public String key() {
    return modelId + "|" + modelVersion + "|" + encoderSha256;
  }

  /** Whether {@code state} was built by this model (false for a state that records no model). */
  public boolean built(AffectiveMemoryState state) {
    return modelId.equals(state.getModelId()) && modelVersion.equals(state.getModelVersion())
        && encoderSha256.equalsIgnoreCase(state.getEncoderSha256());
  }

  /** {@code state} stamped with this model. */
  public AffectiveMemoryState stamp(AffectiveMemoryState state) {
    state.setModelId(modelId);
    state.setModelVersion(modelVersion);
    state.setEncoderSha256(encoderSha256);
    return state;
  }

  /** How a state's recorded model reads in a log line. */
  public static String describe(AffectiveMemoryState state) {
    return state.getModelId().isEmpty() ? "an unrecorded model (a state written before the model was recorded)"
        : state.getModelId() + " " + state.getModelVersion() + " (encoder sha256 " + state.getEncoderSha256() + ")";
  }

  @Override
  public String toString() {
    return modelId + " " + modelVersion + " (encoder sha256 " + encoderSha256 + ")";
  }
}
