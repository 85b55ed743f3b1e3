package dev.penstock.api;

import static dev.penstock.api.ApiMethod.Verb.GET;
import static dev.penstock.api.ParamType.ID;
import static dev.penstock.api.ParamType.STRING;

import dev.penstock.api.dto.ApiEndpointResponse;
import java.util.List;
import java.util.function.Supplier;

/** The handshake the SDK's constructor makes (docs/abacus-api.md §1.2). Thread-safe. */
final class MetaRoutes {
  private final Supplier<String> baseUrl;
  private final String version;

  MetaRoutes(Supplier<String> baseUrl, String version) {
    this.baseUrl = baseUrl;
    this.version = version;
  }

  List<ApiMethod> methods() {
    return List.of(
        // The SDK's prediction helpers ask the same method with a deployment or a model; this
        // server has one endpoint for everything, so those keys change nothing.
        ApiMethod.read(GET, "getApiEndpoint", "The URLs the SDK sends its calls to: this server's.")
            .ignored("deploymentToken", STRING, "a deployment's token, for predictions")
            .ignored("deploymentId", ID, "a deployment, for predictions")
            .ignored("streamingToken", STRING, "a streaming token, for feature groups")
            .ignored("featureGroupId", ID, "a feature group, for streaming")
            .ignored("modelId", ID, "a model, for predictions")
            .forRunKeys(ApiMethod.RunScope.ANY)
            .returns(ApiEndpointResponse.class)
            .handler(params -> ApiEndpointResponse.of(baseUrl.get())),
        ApiMethod.read(GET, "version", "The API version this server speaks, as the SDK's.")
            .forRunKeys(ApiMethod.RunScope.ANY)
            .returns(String.class)
            .handler(params -> version));
  }
}
