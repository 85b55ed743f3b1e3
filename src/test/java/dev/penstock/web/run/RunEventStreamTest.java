package dev.penstock.web.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.model.RunStatus;
import dev.penstock.model.StepStatus;
import dev.penstock.testing.SettableClock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/**
 * The live stream's loop on a clock the test moves: each pause between polls moves it by one poll
 * interval and lets the "engine" take its next scripted step. Nothing sleeps.
 */
class RunEventStreamTest {
  static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

  private final SettableClock clock = new SettableClock(T0);
  private final FakeRunOverview store = new FakeRunOverview(T0, "a", "b");
  private final Queue<Runnable> engine = new ArrayDeque<>();
  private int pauses;
  private final RunEventStream stream =
      new RunEventStream(
          store,
          clock,
          duration -> {
            pauses++;
            clock.advance(duration);
            Runnable next = engine.poll();
            if (next != null) {
              next.run();
            }
          });

  record Event(String name, String data, long id) {}

  /** Collects what the stream sends; closed once {@code closeAfter} events were sent. */
  static final class Recorder implements RunEventStream.Channel {
    final List<Event> events = new ArrayList<>();
    int comments;
    int closeAfter = Integer.MAX_VALUE;

    @Override
    public void send(String event, String data, long id) {
      events.add(new Event(event, data, id));
    }

    @Override
    public void comment(String text) {
      comments++;
    }

    @Override
    public boolean closed() {
      return events.size() >= closeAfter;
    }

    List<String> names() {
      return events.stream().map(Event::name).toList();
    }
  }

  private void then(Runnable change) {
    engine.add(change);
  }

  private Instant now() {
    return clock.instant();
  }

  private void stream(Recorder recorder, Long lastEventId, boolean signedIn) {
    stream.stream(
        FakeRunOverview.RUN,
        new RunProgress(id -> true, Map.of()),
        lastEventId,
        recorder,
        () -> signedIn);
  }

  @Test
  void changes_are_sent_as_they_happen_and_the_stream_ends_one_look_after_the_run() {
    then(() -> store.step("a", StepStatus.RUNNING, now()));
    then(() -> {});
    then(() -> store.step("a", StepStatus.COMPLETE, now()));
    then(
        () -> {
          store.step("b", StepStatus.CANCELLED, now());
          store.run(RunStatus.CANCELLED, now());
        });
    var recorder = new Recorder();

    stream(recorder, null, true);

    assertThat(recorder.names())
        .containsExactly("progress", "progress", "progress", "progress", "end");
    assertThat(recorder.events.get(1).data()).contains("\"id\":\"a\"", "\"status\":\"running\"");
    assertThat(recorder.events.get(2).data()).contains("\"status\":\"complete\"");
    assertThat(recorder.events.get(3).data())
        .contains("\"status\":\"cancelled\"", "\"open\":false");
    assertThat(recorder.events.get(3).id())
        .isEqualTo(T0.plus(RunEventStream.POLL.multipliedBy(4)).toEpochMilli());
    assertThat(pauses).as("one more look after the run ended").isEqualTo(5);
  }

  @Test
  void a_stream_of_an_ended_run_sends_its_state_and_ends() {
    store.step("a", StepStatus.COMPLETE, T0.plusSeconds(1));
    store.step("b", StepStatus.COMPLETE, T0.plusSeconds(2));
    store.run(RunStatus.COMPLETE, T0.plusSeconds(2));
    var recorder = new Recorder();

    stream(recorder, null, true);

    assertThat(recorder.names()).containsExactly("progress", "end");
    assertThat(recorder.events.get(0).data()).contains("\"COMPLETE\":2");
  }

  @Test
  void a_reconnecting_browser_gets_only_what_changed_after_its_last_event() {
    store.step("a", StepStatus.RUNNING, T0.plusSeconds(1));
    store.step("a", StepStatus.COMPLETE, T0.plusSeconds(2));
    long lastEventId = T0.plusSeconds(5).toEpochMilli(); // an event after "a" completed
    store.step("b", StepStatus.RUNNING, T0.plusSeconds(20));
    clock.set(T0.plusSeconds(21));
    var recorder = new Recorder();
    recorder.closeAfter = 1;

    stream(recorder, lastEventId, true);

    assertThat(recorder.events)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.data()).contains("\"id\":\"b\"").doesNotContain("\"id\":\"a\"");
              assertThat(event.id()).isEqualTo(T0.plusSeconds(20).toEpochMilli());
            });
  }

  @Test
  void a_browser_that_left_stops_the_loop() {
    for (int i = 0; i < 100; i++) {
      int tick = i;
      then(() -> store.step(tick % 2 == 0 ? "a" : "b", StepStatus.RUNNING, now()));
    }
    var recorder = new Recorder();
    recorder.closeAfter = 3;

    stream(recorder, null, true);

    assertThat(recorder.events).hasSize(3);
    assertThat(pauses).isEqualTo(2);
  }

  @Test
  void a_quiet_stream_keeps_alive_and_ends_when_the_session_has() {
    var stillSignedIn = new Recorder();
    stillSignedIn.closeAfter = 2;
    for (int i = 0; i < 3 * RunEventStream.HEARTBEAT_POLLS; i++) {
      then(() -> {});
    }
    then(() -> store.step("a", StepStatus.RUNNING, now()));

    stream(stillSignedIn, null, true);

    assertThat(stillSignedIn.comments).isEqualTo(3);
    assertThat(stillSignedIn.names()).containsExactly("progress", "progress");

    var signedOut = new Recorder();
    engine.clear();
    stream(signedOut, null, false);

    assertThat(signedOut.names()).containsExactly("progress", "end");
    assertThat(signedOut.events.get(1).data()).contains("signed-out");
    assertThat(signedOut.comments).isZero();
  }

  @Test
  void a_run_deleted_under_the_stream_ends_it() {
    var recorder = new Recorder();

    stream.stream("no-such-run", new RunProgress(id -> true, Map.of()), null, recorder, () -> true);

    assertThat(recorder.names()).containsExactly("end");
    assertThat(recorder.events.get(0).data()).contains("gone");
  }
}
