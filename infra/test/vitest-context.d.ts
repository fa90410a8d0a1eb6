// Brings in the `awsEndpoint` ProvidedContext typing that @expenzez/testing's global setup declares.
import type {} from "@expenzez/testing/global-setup";
