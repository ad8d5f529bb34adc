using OrleansRecorder.RecorderAdmin;
using OrleansRecorder.Silo.Admin;

return await AdminCli.RunAsync(args, Console.Out, Console.Error, SpectreAdminProgress.ForConsole(), CancellationToken.None);
