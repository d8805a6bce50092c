/**
 * The records passed between the stages: {@code KafkaRecordBytes} (ingest), {@code Frame} (ingest to
 * inference), {@code EncodedFrame} (inference to memory) and {@code GenerationWork} (a frame waiting for its
 * edits). {@code EncodedFrame} and {@code GenerationWork} are also kept in keyed state ({@code
 * dev.paffmem.job.state.JobState}): their class names are written into checkpoints, so do not move them.
 */
package dev.paffmem.job.records;
