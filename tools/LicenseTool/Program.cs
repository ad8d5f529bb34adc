using OrleansRecorder.Silo.Licensing;

return LicenseCli.Run(args, Console.Out, Console.Error, TimeProvider.System);
