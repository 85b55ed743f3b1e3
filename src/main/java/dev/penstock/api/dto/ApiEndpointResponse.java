package dev.penstock.api.dto;

/**
 * The SDK's ApiEndpoint, asked for by every client it constructs (docs/abacus-api.md §1.2): each
 * endpoint is this server's own URL.
 */
public record ApiEndpointResponse(
    String apiEndpoint, String predictEndpoint, String proxyEndpoint) {
  public static ApiEndpointResponse of(String baseUrl) {
    return new ApiEndpointResponse(baseUrl, baseUrl, baseUrl);
  }
}
