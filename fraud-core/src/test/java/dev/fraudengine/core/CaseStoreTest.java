package dev.fraudengine.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.testing.Transactions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The default {@link CaseStore#nearestThenObserve}: search, then observe, whatever fails. */
class CaseStoreTest {

  /** Records its calls; fails the search or the observing when told. */
  private static final class Recording implements CaseStore {
    final List<String> calls = new ArrayList<>();
    final boolean searchFails;
    final boolean observeFails;

    Recording(boolean searchFails, boolean observeFails) {
      this.searchFails = searchFails;
      this.observeFails = observeFails;
    }

    @Override
    public List<SimilarCase> nearest(Transaction tx, float[] features, int k) {
      calls.add("nearest " + tx.id() + " " + k);
      if (searchFails) {
        throw new IllegalStateException("index corrupt");
      }
      return List.of(new SimilarCase("c1", 0.9, Label.FRAUD, null, Transactions.EVENT_TIME));
    }

    @Override
    public void observe(Transaction tx, float[] features) {
      calls.add("observe " + tx.id());
      if (observeFails) {
        throw new IllegalStateException("buffer full");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void nearestThenObserve_default_searchesThenObservesAndHandsOverObserveFailure(boolean observeFails) {
    Recording store = new Recording(false, observeFails);
    List<RuntimeException> failures = new ArrayList<>();

    List<SimilarCase> found = store.nearestThenObserve(Transactions.valid().id("t1").build(), new float[1], 3,
        failures::add);

    assertThat(found).extracting(SimilarCase::caseId).containsExactly("c1");
    assertThat(store.calls).containsExactly("nearest t1 3", "observe t1");
    assertThat(failures).extracting(Throwable::getMessage)
        .containsExactlyElementsOf(observeFails ? List.of("buffer full") : List.of());
  }

  @Test
  void nearestThenObserve_searchFails_observesThenThrows() {
    Recording store = new Recording(true, true);
    List<RuntimeException> failures = new ArrayList<>();

    assertThatThrownBy(() -> store.nearestThenObserve(Transactions.valid().id("t1").build(), new float[1], 3,
        failures::add)).isInstanceOf(IllegalStateException.class).hasMessage("index corrupt");

    assertThat(store.calls).containsExactly("nearest t1 3", "observe t1");
    assertThat(failures).singleElement().extracting(Throwable::getMessage).isEqualTo("buffer full");
  }

  @Test
  void nearestThenObserve_nullCallback_rejects() {
    Recording store = new Recording(false, false);

    assertThatThrownBy(() -> store.nearestThenObserve(Transactions.valid().build(), new float[1], 3, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("observeFailed");
    assertThat(store.calls).isEmpty();
  }
}
