/**
 * The headers a call adds to its answer: only cookies (sign-in, sign-out, single sign-on flows).
 * Collected here and written by whichever path answers the request (trpc-http.ts).
 */
export class ResponseCookies {
  readonly values: string[] = [];
  append(_name: "Set-Cookie", value: string): void {
    this.values.push(value);
  }
}
