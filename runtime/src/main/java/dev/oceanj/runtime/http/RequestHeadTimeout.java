package dev.oceanj.runtime.http;

import java.time.Duration;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * Closes a connection whose next request head does not arrive within {@code timeout}, counted from when the
 * connection opened and again from each response. Sits between the server's HTTP layer and the routes, one per
 * connection: the HTTP layer emits a request only once its whole head (request line and headers) is parsed, so a
 * client that trickles header bytes, each of which resets Pekko's idle timeout, is cut off at the deadline all
 * the same. While a request is being handled no deadline runs (the request timeout covers that).
 */
final class RequestHeadTimeout extends GraphStage<BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse>> {

  private static final String HEAD = "head";

  private final Duration timeout;
  private final Inlet<HttpRequest> fromNetwork = Inlet.create("RequestHeadTimeout.fromNetwork");
  private final Outlet<HttpRequest> toRoutes = Outlet.create("RequestHeadTimeout.toRoutes");
  private final Inlet<HttpResponse> fromRoutes = Inlet.create("RequestHeadTimeout.fromRoutes");
  private final Outlet<HttpResponse> toNetwork = Outlet.create("RequestHeadTimeout.toNetwork");
  private final BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse> shape =
      BidiShape.of(fromNetwork, toRoutes, fromRoutes, toNetwork);

  RequestHeadTimeout(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new TimerGraphStageLogic(shape) {
      {
        setHandler(fromNetwork, new AbstractInHandler() {
          @Override
          public void onPush() {
            cancelTimer(HEAD);
            push(toRoutes, grab(fromNetwork));
          }

          @Override
          public void onUpstreamFinish() {
            // No more requests (the client or the HTTP layer closed the input), but the one in hand still gets
            // its response.
            complete(toRoutes);
          }
        });
        setHandler(toRoutes, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(fromNetwork);
          }

          @Override
          public void onDownstreamFinish(Throwable cause) {
            cancel(fromNetwork, cause);
          }
        });
        setHandler(fromRoutes, new AbstractInHandler() {
          @Override
          public void onPush() {
            push(toNetwork, grab(fromRoutes));
            scheduleOnce(HEAD, timeout);
          }
        });
        setHandler(toNetwork, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(fromRoutes);
          }
        });
      }

      @Override
      public void preStart() {
        scheduleOnce(HEAD, timeout);
      }

      @Override
      public void onTimer(Object key) {
        // Completing both directions makes the HTTP layer close the connection.
        completeStage();
      }
    };
  }
}
