package dev.oceanj.cluster.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BudgetSharesTest {

  private static final Set<String> THREE = Set.of("a", "b", "c");

  @Test
  void equalDemandSplitsEvenly() {
    Map<String, Double> d = Map.of("a", 30.0, "b", 30.0, "c", 30.0);
    assertEquals(1.0 / 3, BudgetShares.share("a", THREE, d), 1e-9);
  }

  @Test
  void theOnlyNodeThatWantsToWriteGetsTheWholeBudgetAndTheIdleOnesTheirFloor() {
    Map<String, Double> d = Map.of("a", 40.0, "b", 0.0);
    assertEquals(1.0, BudgetShares.share("a", THREE, d), 1e-9);
    assertEquals(1.0 / 6, BudgetShares.share("b", THREE, d), 1e-9);
    assertEquals(1.0 / 6, BudgetShares.share("c", THREE, d), 1e-9, "no entry yet: wants nothing");
  }

  @Test
  void floorsOfSmallWritersAreTakenFromTheBigOneSoTheWritersAddUpToTheBudget() {
    Map<String, Double> d = Map.of("a", 98.0, "b", 1.0, "c", 1.0);
    double a = BudgetShares.share("a", THREE, d);
    double b = BudgetShares.share("b", THREE, d);
    double c = BudgetShares.share("c", THREE, d);
    assertEquals(1.0, a + b + c, 1e-9);
    assertEquals(b, c, 1e-9);
    assertEquals(1.0 / 6 / (0.98 + 2.0 / 6), b, 1e-9, "each small one its floor, scaled");
  }

  @Test
  void nobodyWritingIsTheStaticSplit() {
    assertEquals(1.0 / 3, BudgetShares.share("a", THREE, Map.of()), 1e-9);
    assertEquals(1.0, BudgetShares.share("a", Set.of("a"), Map.of("a", 5.0)), 1e-9);
  }

  @Test
  void demandOfNodesThatLeftDoesNotCount() {
    Map<String, Double> d = Map.of("a", 10.0, "gone", 1000.0);
    assertEquals(1.0, BudgetShares.share("a", Set.of("a", "b"), d), 1e-9);
  }
}
