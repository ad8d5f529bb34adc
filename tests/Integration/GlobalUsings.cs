// The contracts and helpers compiled in from the unit project keep their namespaces there.
global using OrleansRecorder.Tests.Integration.Cluster;
global using OrleansRecorder.Tests.Unit.Catalog;
global using OrleansRecorder.Tests.Unit.Cluster;
global using OrleansRecorder.Tests.Unit.Media;
global using OrleansRecorder.Tests.Unit.Media.Srtp;
global using OrleansRecorder.Tests.Unit.Storage;
global using OrleansRecorder.Tests.Unit.Webhooks;
global using OrleansRecorder.Tests.Unit.Integrity;
