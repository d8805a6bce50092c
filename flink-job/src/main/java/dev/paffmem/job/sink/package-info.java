/**
 * Stage 5, <b>sink</b>: the Kafka serializers of predictions and dead letters, and the caps that make every
 * dead letter fit the topic ({@code DeadLetters}).
 */
package dev.paffmem.job.sink;
