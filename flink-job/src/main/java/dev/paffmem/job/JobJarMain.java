package dev.paffmem.job;

/**
 * The job jar's {@code Main-Class}: {@link PAffMemJob#main} under {@code flink run}, and a clear
 * message instead of a {@code NoClassDefFoundError} under {@code java -jar}. The jar is built for a
 * Flink cluster, which provides Flink itself; it does not contain Flink and cannot run alone.
 * Without a cluster, {@code ./paffmem run} runs the same job on a local MiniCluster.
 */
public final class JobJarMain {

  static final String FLINK_MISSING = "paffmem-job: Flink is not on the class path. This jar is the job for a Flink"
      + " cluster (flink run paffmem-flink-job-*-flink.jar --bootstrap-servers ...); it does not contain Flink and"
      + " cannot run with java -jar. Without a cluster: ./paffmem run --bootstrap-servers HOST:PORT"
      + " (a local MiniCluster; see flink-job/README.md).";

  private JobJarMain() {}

  public static void main(String[] args) throws Exception {
    try {
      Class.forName("org.apache.flink.streaming.api.environment.StreamExecutionEnvironment", false,
          JobJarMain.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      System.err.println(FLINK_MISSING);
      System.exit(2);
    }
    PAffMemJob.main(args);
  }
}
