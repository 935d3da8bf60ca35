/** One routes class per API area; each {@code register} reads like its part of the endpoint table. */
package dev.aman.http.routes;
