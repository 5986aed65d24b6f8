; Inno Setup 6 script for the Windows installer of ECG-CRT.
; Build the onedir bundle first (packaging\BUILDING.md), then:
;   iscc /DAppVersion=0.1.0 packaging\windows\ecgcrt.iss
; Output: dist\ecgcrt-<version>-windows-x64-setup.exe
; Installs per machine into Program Files, adds Start-menu entries and (optionally) a desktop
; icon, and puts ecgcrt.exe on PATH for command-line use. Uninstall removes all of it.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define BundleDir "..\..\build\bundle\ecgcrt"

[Setup]
AppId={{6C1E2B6A-3D0F-4B8E-9C55-0EC6C0A70001}
AppName=ECG-CRT
AppVersion={#AppVersion}
AppPublisher=ECG-CRT developers
DefaultDirName={autopf}\ECG-CRT
DefaultGroupName=ECG-CRT
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
ChangesEnvironment=yes
SetupIconFile=..\..\ecgcrt_gui\resources\icons\ecgcrt.ico
UninstallDisplayIcon={app}\ecgcrt-gui.exe
OutputDir=..\..\dist
OutputBaseFilename=ecgcrt-{#AppVersion}-windows-x64-setup
Compression=lzma2/normal
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
Name: "addtopath"; Description: "Add the ecgcrt command to PATH (for scripts and IT staff)"; GroupDescription: "Command line:"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\ECG-CRT"; Filename: "{app}\ecgcrt-gui.exe"
; ecgcrt-gui.exe is windowed (no console to print to): the shortcut reports its exit code.
Name: "{group}\ECG-CRT self-test"; Filename: "{cmd}"; Parameters: "/k start """" /wait ""{app}\ecgcrt-gui.exe"" --self-test && echo ECG-CRT self-test passed || echo ECG-CRT self-test FAILED"
Name: "{group}\Uninstall ECG-CRT"; Filename: "{uninstallexe}"
Name: "{autodesktop}\ECG-CRT"; Filename: "{app}\ecgcrt-gui.exe"; Tasks: desktopicon

[Registry]
; Append {app} to the machine PATH once; the uninstaller removes the value it added.
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\ecgcrt-gui.exe"; Description: "{cm:LaunchProgram,ECG-CRT}"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Path: string;
begin
  if not RegQueryStringValue(HKEY_LOCAL_MACHINE,
      'SYSTEM\CurrentControlSet\Control\Session Manager\Environment', 'Path', Path) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Path) + ';') = 0;
end;

procedure RemovePath(Dir: string);
var
  Path: string;
  P: Integer;
begin
  if not RegQueryStringValue(HKEY_LOCAL_MACHINE,
      'SYSTEM\CurrentControlSet\Control\Session Manager\Environment', 'Path', Path) then
    exit;
  P := Pos(';' + Uppercase(Dir), Uppercase(Path));
  if P > 0 then
  begin
    Delete(Path, P, Length(Dir) + 1);
    RegWriteExpandStringValue(HKEY_LOCAL_MACHINE,
      'SYSTEM\CurrentControlSet\Control\Session Manager\Environment', 'Path', Path);
  end;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usPostUninstall then
    RemovePath(ExpandConstant('{app}'));
end;
