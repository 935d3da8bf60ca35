package dev.aman.bus;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;

/**
 * A stored event (API.md §2.2): the envelope plus its status, and its deliveries where the endpoint
 * includes them ({@code null} = omitted from JSON).
 */
public record EventRecord(@JsonUnwrapped Event event, DeliveryStatus status,
                          @JsonInclude(JsonInclude.Include.NON_NULL) List<DeliveryRecord> deliveries) {
}
