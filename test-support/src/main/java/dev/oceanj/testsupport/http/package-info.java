/**
 * The project's one non-production HTTP/1.1 framing ({@link dev.oceanj.testsupport.http.Http1Reader}), read by the
 * tests' {@link dev.oceanj.testsupport.http.RawServer} and the benchmarks' fixed-rate sender.
 */
package dev.oceanj.testsupport.http;
