package dev.fraudengine.examples;

import dev.fraudengine.core.CaseStore;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.SimilarCase;
import dev.fraudengine.core.Transaction;
import java.time.Instant;
import java.util.List;

/*
 * A case store that keeps every confirmed fraud but only one legitimate label in n (chosen by the transaction id's
 * hash, so deterministic): legitimate payments are hundreds of times more frequent, and a sample of them is enough
 * to tell a fraud's neighbourhood from a legitimate one, while the store stays small and searches stay fast.
 */
final class SampledCaseStore implements CaseStore {
  private final CaseStore store;
  private final int legitimateOneIn;

  SampledCaseStore(CaseStore store, int legitimateOneIn) {
    this.store = store;
    this.legitimateOneIn = legitimateOneIn;
  }

  @Override
  public List<SimilarCase> nearest(Transaction tx, float[] features, int k) {
    return store.nearest(tx, features, k);
  }

  @Override
  public void observe(Transaction tx, float[] features) {
    store.observe(tx, features);
  }

  @Override
  public void feedback(String transactionId, Label label, Instant labelTime) {
    if (label == Label.FRAUD || Math.floorMod(transactionId.hashCode(), legitimateOneIn) == 0) {
      store.feedback(transactionId, label, labelTime);
    }
  }

  @Override
  public void close() {
    store.close();
  }
}
