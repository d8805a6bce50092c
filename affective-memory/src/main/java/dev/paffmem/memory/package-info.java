/**
 * The P-AffMem affective memory: a Growing-When-Required network per person, in plain Java.
 *
 * <p>{@link dev.paffmem.memory.AffectiveMemory} trains on {@link dev.paffmem.memory.Sample}s and
 * answers {@link dev.paffmem.memory.Prediction}s; {@link dev.paffmem.memory.MemoryConfig} holds
 * every constant. Nothing here knows Flink, Kafka or ONNX.
 */
package dev.paffmem.memory;
