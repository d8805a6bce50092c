/**
 * Stage 3, <b>inference</b>: the PK model on every frame. The operator ({@code BatchedInferenceOperator}:
 * online micro-batches of E + D_em, generation of each GENERATING frame's edits by G between them), the
 * PK model on ONNX Runtime ({@code PkModel}, {@code SharedPkModel}, {@code InferenceSteps}, {@code
 * ImageTensors}), its manifest ({@code ModelManifest}, {@code ModelIdentity}) and the generation targets
 * ({@code GenerationTargets}). The operator's scheduling, free of Flink, is in {@code .scheduling}.
 */
package dev.paffmem.job.inference;
