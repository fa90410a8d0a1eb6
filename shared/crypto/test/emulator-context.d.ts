// Brings @expenzez/testing's `inject("awsEndpoint")` typing into this package's program.
import type {} from "@expenzez/testing/global-setup";
