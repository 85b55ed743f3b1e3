package dev.penstock.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on the error envelope a call answers with. */
public final class ApiAssertions {
  private ApiAssertions() {}

  /**
   * The call fails with this HTTP status and errorType, a message containing {@code message}, and a
   * request id.
   */
  public static void assertFails(
      ThrowingCallable call, int status, String errorType, String message) {
    var thrown = new ApiException[1];
    assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> thrown[0] = e);
    ApiException e = thrown[0];
    assertThat(e.httpStatus()).isEqualTo(status);
    assertThat(e.errorType()).isEqualTo(errorType);
    assertThat(e.getMessage()).contains(message);
    assertThat(e.requestId()).isNotBlank();
  }
}
