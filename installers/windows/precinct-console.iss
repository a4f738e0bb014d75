; Inno Setup script of Precinct Console: a per-machine Windows installer built from the
; PyInstaller one-folder bundle (dist\precinct-console\).
;
;   pyinstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller installers\precinct-console.spec
;   iscc installers\windows\precinct-console.iss            (Inno Setup 6.3 or later)
;   (installers\windows\build.ps1 does both.)
;
; gives dist\precinct-console-VERSION-windows-x64-setup.exe. What it does:
;   * installs into C:\Program Files\Precinct Console (per machine, needs an administrator);
;   * Start-menu entry, optional desktop icon, optional PATH entry for precinct-console.exe;
;   * an uninstaller in Apps & features;
;   * on upgrade replaces the program files whole, so nothing of an older version lingers;
;   * never touches the users' data: the embedded database, its backups, logs and exports
;     live in %LOCALAPPDATA%\Precinct\PrecinctConsole of each user and stay through upgrade
;     and uninstall;
;   * the machine-wide settings file: when IT provides one, it is placed as
;     %PROGRAMDATA%\PrecinctConsole\settings.toml (the previous one kept as
;     settings.toml.previous). IT provides it either beside the setup program (settings.toml
;     in the same folder) or on the command line:
;       precinct-console-0.1.0-windows-x64-setup.exe /VERYSILENT /SETTINGS="\\server\it\settings.toml"
;     Without one, an existing settings file is left as it is. Uninstalling keeps it.
; See docs\installing.md. Saved as UTF-8 with a byte-order mark, which Inno Setup needs to read
; the Chinese messages below correctly.

#define AppName "Precinct Console"
#define AppExe "PrecinctConsole.exe"
#define CliExe "precinct-console.exe"
#define BundleDir "..\..\dist\precinct-console"
#ifndef AppVersion
  ; The version PyInstaller wrote into the executable (from precinct_console.__version__).
  ; (ISPP resolves relative paths against the compiler's folder, hence SourcePath.)
  #define AppVersion GetVersionNumbersString(AddBackslash(SourcePath) + BundleDir + "\" + CliExe)
#endif

[Setup]
; The AppId ties every release together: keep it, or upgrades install side by side.
AppId={{B09C2C6E-E313-462D-8934-3B66889F4916}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Precinct Console
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=precinct-console-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\precinct-console.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; A console left open on a seat holds its files: ask Windows to close it before replacing them.
CloseApplications=yes
RestartApplications=no
ChangesEnvironment=yes
SetupLogging=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
; Simplified Chinese is a contributed translation of Inno Setup: put ChineseSimplified.isl in
; Inno Setup's Languages folder and the installer speaks Chinese on a Chinese Windows.
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
  #define HaveChinese
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif

[CustomMessages]
english.AddToPath=Add precinct-console.exe to the PATH (command-line administration)
english.SettingsMissing=The settings file given with /SETTINGS does not exist:%n%1
english.LaunchApp=Start {#AppName}
#ifdef HaveChinese
chinesesimplified.AddToPath=将 precinct-console.exe 加入 PATH（命令行管理）
chinesesimplified.SettingsMissing=/SETTINGS 指定的设置文件不存在：%n%1
chinesesimplified.LaunchApp=启动综合指挥室控制台
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
Name: "addtopath"; Description: "{cm:AddToPath}"; Flags: unchecked

[InstallDelete]
; Replace the bundle whole on upgrade: libraries of an older Qt or Python must not linger.
Type: filesandordirs; Name: "{app}\_internal"

[Dirs]
Name: "{commonappdata}\PrecinctConsole"; Flags: uninsneveruninstall

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\settings.example.toml"; DestDir: "{app}"; Flags: ignoreversion
; The machine-wide settings IT provides (see the top of this file); kept on uninstall.
Source: "{code:SettingsSource}"; DestDir: "{commonappdata}\PrecinctConsole"; DestName: "settings.toml"; Flags: external ignoreversion uninsneveruninstall; Check: HasSettings

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Registry]
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: AppNotOnPath

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchApp}"; Flags: nowait postinstall skipifsilent runasoriginaluser

[Code]
const
  EnvKey = 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment';

function SettingsSource(Param: String): String;
begin
  { /SETTINGS=path wins; otherwise a settings.toml beside the setup program. }
  Result := ExpandConstant('{param:SETTINGS|}');
  if (Result = '') and FileExists(ExpandConstant('{src}\settings.toml')) then
    Result := ExpandConstant('{src}\settings.toml');
end;

function HasSettings(): Boolean;
begin
  Result := SettingsSource('') <> '';
end;

function InitializeSetup(): Boolean;
var
  Given: String;
begin
  Result := True;
  Given := ExpandConstant('{param:SETTINGS|}');
  if (Given <> '') and not FileExists(Given) then
  begin
    { A silent roll-out with a mistyped path must fail loudly, not install unconfigured. }
    SuppressibleMsgBox(FmtMessage(CustomMessage('SettingsMissing'), [Given]), mbError, MB_OK, IDOK);
    Result := False;
  end;
end;

procedure CurStepChanged(CurStep: TSetupStep);
var
  Target: String;
begin
  if (CurStep = ssInstall) and HasSettings() then
  begin
    Target := ExpandConstant('{commonappdata}\PrecinctConsole\settings.toml');
    if FileExists(Target) then
      FileCopy(Target, Target + '.previous', False);
  end;
end;

function AppNotOnPath(): Boolean;
var
  Path, Dir: String;
begin
  Dir := ExpandConstant('{app}');
  if not RegQueryStringValue(HKLM, EnvKey, 'Path', Path) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Path) + ';') = 0;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Path, Dir: String;
  P: Integer;
begin
  { Take our folder off the PATH again; leave everything else in it as it was. }
  if CurUninstallStep <> usPostUninstall then
    exit;
  if not RegQueryStringValue(HKLM, EnvKey, 'Path', Path) then
    exit;
  Dir := ExpandConstant('{app}');
  P := Pos(';' + Uppercase(Dir), Uppercase(Path));
  if P > 0 then
  begin
    Delete(Path, P, Length(Dir) + 1);
    RegWriteExpandStringValue(HKLM, EnvKey, 'Path', Path);
  end;
end;
