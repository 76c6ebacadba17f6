import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Prints the frames of a Rune watch stream, one JSON object per line, until the server
 * closes it or Ctrl-C. Needs nothing but a JDK: java conf/examples/Watch.java URL TOKEN
 * e.g. java conf/examples/Watch.java 'ws://127.0.0.1:7861/api/v1/watch?kinds=volumes' "$TOKEN"
 */
public class Watch {
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: java Watch.java ws://HOST:PORT/api/v1/watch?... TOKEN");
      System.exit(2);
    }
    CompletableFuture<Void> closed = new CompletableFuture<>();
    HttpClient.newHttpClient().newWebSocketBuilder()
        .header("Authorization", "Bearer " + args[1])
        .buildAsync(URI.create(args[0]), new WebSocket.Listener() {
          private final StringBuilder frame = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            frame.append(data);
            if (last) {
              System.out.println(frame);
              frame.setLength(0);
            }
            socket.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
            closed.complete(null);
            return null;
          }

          @Override
          public void onError(WebSocket socket, Throwable error) {
            closed.completeExceptionally(error);
          }
        }).join();
    closed.join();
  }
}
