package dev.oceanj.actors.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResyncGateTest {

  @Test
  void admitsUpToItsLimitThenFirstComeFirstServed() {
    var gate = ResyncGate.of(2);
    List<ResyncGate.Ticket> tickets = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tickets.add(gate.enter("i" + i));
    }
    assertTrue(tickets.get(0).admitted().isDone() && tickets.get(1).admitted().isDone());
    assertEquals(List.of(1, 2, 3), tickets.subList(2, 5).stream().map(ResyncGate.Ticket::position).toList());
    assertEquals(2, gate.running());
    assertEquals(3, gate.waiting());

    tickets.get(1).leave();
    assertTrue(tickets.get(2).admitted().isDone(), "the first in line takes the place");
    assertFalse(tickets.get(3).admitted().isDone());
    assertEquals(1, tickets.get(3).position());
  }

  @Test
  void aTicketThatLeavesTheLineIsNeverAdmittedAndLeavingTwiceChangesNothing() {
    var gate = ResyncGate.of(1);
    var running = gate.enter("a");
    var gaveUp = gate.enter("b");
    var next = gate.enter("c");
    gaveUp.leave();
    assertTrue(gaveUp.admitted().isCancelled());
    assertEquals(1, next.position());
    running.leave();
    running.leave();
    assertTrue(next.admitted().isDone() && !next.admitted().isCancelled());
    assertEquals(1, gate.running());
    assertEquals(0, gate.waiting());
    next.leave();
    assertEquals(0, gate.running());
  }

  @Test
  void aLimitBelowOneIsRefusedNamingTheSetting() {
    var e = assertThrows(IllegalArgumentException.class, () -> ResyncGate.of(0));
    assertTrue(e.getMessage().contains("ocean.host.max-concurrent-resyncs"), e.getMessage());
  }
}
