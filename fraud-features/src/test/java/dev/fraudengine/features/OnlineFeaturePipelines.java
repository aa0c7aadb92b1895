package dev.fraudengine.features;

/** Shortcuts for tests. */
final class OnlineFeaturePipelines {
  private OnlineFeaturePipelines() {}

  static OnlineFeaturePipeline of(Feature... features) {
    return builder().add(features).build();
  }

  static OnlineFeaturePipeline.Builder builder() {
    return OnlineFeaturePipeline.builder();
  }
}
