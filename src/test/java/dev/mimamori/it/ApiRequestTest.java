package dev.mimamori.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** URLs read as the API server's authorizer reads them; RbacIT's verdicts rest on this. */
class ApiRequestTest {

    @Test
    void aNamespacedCustomResourceItsStatusAndItsCollection() {
        assertThat(ApiRequest.of("PATCH", "/apis/mimamori.dev/v1alpha1/namespaces/shop/servicemonitorings/checkout"))
                .isEqualTo(new ApiRequest(
                        "patch",
                        "mimamori.dev",
                        "servicemonitorings",
                        "shop",
                        "checkout",
                        "/apis/mimamori.dev/v1alpha1/namespaces/shop/servicemonitorings/checkout"));
        assertThat(ApiRequest.of(
                                "PATCH",
                                "/apis/mimamori.dev/v1alpha1/namespaces/shop/servicemonitorings/checkout/status")
                        .permission())
                .isEqualTo(new ApiRequest.Permission("mimamori.dev", "servicemonitorings/status", "patch"));
        assertThat(ApiRequest.of("GET", "/apis/mimamori.dev/v1alpha1/namespaces/shop/servicemonitorings")
                        .verb())
                .isEqualTo("list");
        assertThat(ApiRequest.of("DELETE", "/apis/mimamori.dev/v1alpha1/namespaces/shop/releasechecks")
                        .verb())
                .isEqualTo("deletecollection");
    }

    @Test
    void watchIsAGetWithWatchTrueAndClusterWideHasNoNamespace() {
        ApiRequest watch = ApiRequest.of(
                "GET", "/apis/apps/v1/deployments?allowWatchBookmarks=true&resourceVersion=12&watch=true");
        assertThat(watch.permission()).isEqualTo(new ApiRequest.Permission("apps", "deployments", "watch"));
        assertThat(watch.namespace()).isNull();
        assertThat(ApiRequest.of("GET", "/apis/apps/v1/deployments?resourceVersion=0")
                        .verb())
                .isEqualTo("list");
    }

    @Test
    void theCoreGroupIsEmptyAndANamespaceIsItsOwnResource() {
        assertThat(ApiRequest.of("POST", "/api/v1/namespaces/shop/events").permission())
                .isEqualTo(new ApiRequest.Permission("", "events", "create"));
        ApiRequest namespace = ApiRequest.of("GET", "/api/v1/namespaces/shop");
        assertThat(namespace.permission()).isEqualTo(new ApiRequest.Permission("", "namespaces", "get"));
        assertThat(namespace.name()).isEqualTo("shop");
        assertThat(ApiRequest.of("PUT", "/api/v1/namespaces/shop/finalize").permission())
                .isEqualTo(new ApiRequest.Permission("", "namespaces/finalize", "update"));
    }

    @Test
    void discoveryAndVersionAreNonResourceRequests() {
        assertThat(ApiRequest.of("GET", "/version").isResourceRequest()).isFalse();
        assertThat(ApiRequest.of("GET", "/apis").isResourceRequest()).isFalse();
        assertThat(ApiRequest.of("GET", "/apis/mimamori.dev/v1alpha1").isResourceRequest())
                .isFalse();
        assertThat(ApiRequest.of("GET", "/api/v1").isResourceRequest()).isFalse();
        assertThat(ApiRequest.of("GET", "/apis/mimamori.dev/v1alpha1").path()).isEqualTo("/apis/mimamori.dev/v1alpha1");
    }
}
